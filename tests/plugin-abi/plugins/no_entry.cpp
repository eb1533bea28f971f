// A valid shared library that exports no wind_plugin_entry.
extern "C" __attribute__((visibility("default"))) int windTestNoEntry() { return 42; }
