// wind-server: wiring only. Every behaviour lives in the folders beside this file.
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "admin/commands.h"
#include "admin/metrics_server.h"
#include "admin/notify.h"
#include "admin/reloader.h"
#include "admin/server_metrics.h"
#include "admin/socket_server.h"
#include "auth/accounts.h"
#include "cluster/cluster_delivery.h"
#include "cluster/make_bus.h"
#include "config/config.h"
#include "dispatch/worker_pool.h"
#include "gateway/gateway.h"
#include "http/http_server.h"
#include "ids/clock.h"
#include "ids/snowflake.h"
#include "log/logging.h"
#include "mail/mailer.h"
#include "metrics/registry.h"
#include "plugin_host/plugin_host.h"
#include "session/session_factory.h"
#include "session/session_registry.h"
#include "session/wire_metrics.h"
#include "storage/database.h"
#include "wind/sdk/abi.h"

namespace {

using namespace wind;

constexpr const char* kDefaultConfigPath = "/etc/wind/wind.yaml";

constexpr int kExitOk = 0;
constexpr int kExitUsage = 64;   // EX_USAGE
constexpr int kExitConfig = 78;  // EX_CONFIG
constexpr int kExitFailure = 1;

struct Options {
  std::string configPath = kDefaultConfigPath;
  bool checkConfig = false;
  bool printDefaults = false;
  bool version = false;
  bool help = false;
};

std::optional<Options> parseArguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      options.configPath = argv[++i];
    } else if (arg == "--check-config") {
      options.checkConfig = true;
    } else if (arg == "--print-default-config") {
      options.printDefaults = true;
    } else if (arg == "--version") {
      options.version = true;
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else {
      std::cerr << "wind-server: unknown argument \"" << arg << "\" (try --help)\n";
      return std::nullopt;
    }
  }
  return options;
}

void printUsage() {
  std::cout
      << "usage: wind-server [-c FILE] [--check-config] [--print-default-config] [--version]\n"
         "  -c, --config FILE        configuration file (default "
      << kDefaultConfigPath
      << ")\n"
         "  --check-config           validate the configuration and exit\n"
         "  --print-default-config   print every key with its default and exit\n"
         "  --version                print version, SDK ABI and build fingerprint\n";
}

// Blocks the signals the main thread waits for, before any thread starts,
// so that every thread inherits the mask and only sigwait() sees them.
sigset_t blockControlSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return set;
}

// Waits for SIGTERM/SIGINT; SIGHUP reloads. Under a systemd watchdog it
// also wakes every half WATCHDOG_USEC to say the main thread is alive.
void waitForTermination(const sigset_t& set, Poco::Logger& logger, admin::Reloader& reloader,
                        const admin::SystemdNotifier& notifier) {
  const auto watchdog = notifier.watchdogInterval();
  for (;;) {
    int received = 0;
    if (watchdog) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*watchdog);
      const timespec timeout{static_cast<time_t>(seconds.count()),
                             static_cast<long>((*watchdog - seconds).count() * 1000)};
      received = sigtimedwait(&set, nullptr, &timeout);
      if (received < 0) {
        notifier.notify("WATCHDOG=1");
        continue;
      }
    } else if (sigwait(&set, &received) != 0) {
      continue;
    }
    if (received == SIGHUP) {
      notifier.notify("RELOADING=1");
      reloader.reload();
      notifier.notify("READY=1");
      continue;
    }
    logger.information(std::string("received ") + strsignal(received) + ", shutting down");
    return;
  }
}

// The writer runs a whole batch's completions before any event loop wakes
// for what they posted (gateway::WakeBatch).
void wakeLoopsOncePerBatch(const std::function<void()>& completeAll) {
  const gateway::WakeBatch batch;
  completeAll();
}

std::unique_ptr<storage::Database> openStorage(const config::Config& config,
                                               metrics::Registry& metrics) {
  if (config.storage.driver == config::StorageDriver::postgresql) {
    storage::PostgresOptions options;
    options.url = config.storage.url;
    options.password = storage::readPasswordFile(config.storage.passwordFile);
    options.readers = config.storage.readers;
    options.onCommit = admin::commitObserver(metrics);
    options.completionScope = wakeLoopsOncePerBatch;
    return storage::openPostgres(options);
  }
  storage::SqliteOptions options;
  options.path = config.storage.path;
  options.synchronousFull = config.storage.synchronous == config::Synchronous::full;
  options.readers = config.storage.readers;
  options.onCommit = admin::commitObserver(metrics);
  options.completionScope = wakeLoopsOncePerBatch;
  return storage::openSqlite(options);
}

// The gateway creates sessions and sessions send through the gateway: this
// relay lets the gateway be built first and learn its factory afterwards.
class SessionFactoryRelay final : public gateway::SessionFactory {
 public:
  void bind(gateway::SessionFactory& factory) { factory_ = &factory; }
  std::unique_ptr<gateway::ConnectionHandler> open(gateway::Link& link) override {
    return factory_->open(link);
  }

 private:
  gateway::SessionFactory* factory_ = nullptr;
};

std::optional<std::string> environmentValue(const config::Environment& environment,
                                            const std::string& name) {
  const auto it = environment.find(name);
  return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
}

int serve(const config::Config& config, const std::string& configPath,
          const config::Environment& environment, const sigset_t& signals) {
  Poco::Logger& logger = log::get("wind");
  ids::SystemClock clock;
  ids::SnowflakeGenerator ids(config.server.nodeId, clock);
  metrics::Registry metrics;
  session::WireMetrics wire(metrics);  // before everything that counts through it
  const admin::SystemdNotifier notifier(environmentValue(environment, "NOTIFY_SOCKET"),
                                        environmentValue(environment, "WATCHDOG_USEC"));

  auto database = openStorage(config, metrics);
  database->migrate("core", auth::Accounts::migrations());
  auto mailer = mail::makeMailer(config);
  auto clusterLoginLimiter = cluster::makeLoginLimiter(config, clock, log::get("wind.cluster"));
  auth::Accounts accounts(*database, *mailer, ids, clock, config, log::get("wind.auth"));
  if (clusterLoginLimiter) accounts.setLoginLimiter(*clusterLoginLimiter);
  accounts.setLoginObserver(admin::loginCounter(metrics));
  dispatch::WorkerPool workers(dispatch::WorkerPool::threadsFor(config.server.workers));

  SessionFactoryRelay relay;
  gateway::GatewayOptions gatewayOptions;
  gatewayOptions.serverClosed = [&wire](std::uint16_t code) { wire.closed(code); };
  gateway::Gateway gateway(config, relay, log::get("wind.gateway"), gatewayOptions);
  session::SessionRegistry registry(gateway);
  registry.setWireMetrics(wire);
  // Losing the node id to another node while Redis was away: stop cleanly, as on SIGTERM.
  auto bus = cluster::makeBus(config, metrics, log::get("wind.cluster"),
                              [] { ::kill(::getpid(), SIGTERM); });
  cluster::ClusterDelivery delivery(registry, *bus);
  accounts.addRevocationListener(delivery);
  bus->start(delivery);

  plugin_host::PluginHost plugins(config, *database, accounts, delivery, ids, clock, metrics,
                                  log::get("wind.plugins"));
  plugins.loadAll();
  session::SessionFactoryImpl sessions(config, plugins.routes(), accounts, accounts, gateway,
                                       registry, workers, log::get("wind.session"), &wire);
  relay.bind(sessions);
  admin::registerGauges(
      metrics, {[&gateway] { return gateway.connectionCount(); },
                [&registry] { return registry.authenticatedCount(); },
                [&gateway] { return gateway.outboundBacklogBytes(); },
                config.email.transport == config::MailTransport::smtp ? config.email.outbox : ""});

  admin::Reloader reloader(
      configPath, environment, config,
      [&](const config::Config& next) {
        log::setLevel(next.log.level);
        accounts.setLoginAttemptsPerMinute(next.auth.loginAttemptsPerMinute);
        gateway.setMaxConnections(next.server.maxConnections);
        sessions.setLimits(next);
      },
      log::get("wind.admin"),
      [&plugins](const config::Config& next, std::vector<std::string>& applied,
                 std::vector<std::string>& needRestart) {
        plugins.reconfigure(next.plugins, applied, needRestart);
      });
  admin::Commands commands({*database, delivery, [&gateway] { return gateway.connectionCount(); },
                            [&registry] { return registry.authenticatedCount(); },
                            [&plugins] { return plugins.plugins(); }, reloader,
                            std::filesystem::absolute(configPath).string(), environment,
                            log::get("wind.admin")});
  admin::SocketServer adminSocket(
      config.admin.socket, [&commands](const std::string& line) { return commands.handle(line); },
      log::get("wind.admin"));

  auto ready = [&] { return plugins.allLoaded() && database->ping(); };
  auto metricsText = [&] { return metrics.renderPrometheus(); };
  http::HttpServer http(config, accounts, gateway, ready, metricsText, log::get("wind.http"));
  std::unique_ptr<admin::MetricsServer> metricsServer;
  if (!config.metrics.listen.empty())
    metricsServer = std::make_unique<admin::MetricsServer>(config.metrics.listen, metricsText);
  gateway.start();
  http.start();
  if (metricsServer) {
    metricsServer->start();
    logger.information("metrics on http://" +
                       config.metrics.listen.substr(0, config.metrics.listen.rfind(':')) + ":" +
                       std::to_string(metricsServer->port()) + "/metrics");
  }
  if (!config.admin.socket.empty()) {
    // windctl is a convenience: the server serves without it (and says why).
    try {
      adminSocket.start();
      logger.information("admin socket " + config.admin.socket);
    } catch (const std::exception& e) {
      logger.error(std::string("admin socket disabled: ") + e.what());
    }
  }
  logger.information("listening on http://" + config.server.listenHost + ":" +
                     std::to_string(http.port()));
  notifier.notify("READY=1\nMAINPID=" + std::to_string(::getpid()));

  waitForTermination(signals, logger, reloader, notifier);
  notifier.notify("STOPPING=1");
  adminSocket.stop();

  // Stop taking work, close sockets with 1001, finish every handler (and so
  // every commit it waits for) and every asynchronous commit's completion
  // (plugin code), then let the plugins and storage go.
  http.stop();
  gateway.shutdown();
  workers.shutdown();
  database->flush();
  bus->stop();
  logger.information("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parseArguments(argc, argv);
  if (!options) return kExitUsage;
  if (options->help) {
    printUsage();
    return kExitOk;
  }
  if (options->version) {
    std::cout << "wind-server " << WIND_VERSION << "\nSDK ABI " << sdk::kAbiVersion << " (SDK "
              << sdk::kSdkVersion << ")\nbuild fingerprint " << sdk::kBuildFingerprint << "\n";
    return kExitOk;
  }
  if (options->printDefaults) {
    std::cout << config::defaultYaml();
    return kExitOk;
  }

  sigset_t signals = blockControlSignals();
  config::Config config;
  const config::Environment environment = config::processEnvironment();
  try {
    config = config::load(options->configPath, environment);
  } catch (const config::ConfigError& e) {
    std::cerr << "wind-server: configuration error: " << e.what() << "\n";
    return kExitConfig;
  }
  if (options->checkConfig) {
    std::cout << options->configPath << ": configuration OK\n";
    return kExitOk;
  }

  log::configure(config.log);
  try {
    return serve(config, options->configPath, environment, signals);
  } catch (const storage::StorageFailure& e) {
    log::get("wind").fatal(std::string("storage: ") + e.what());
  } catch (const cluster::ClusterError& e) {
    log::get("wind").fatal(std::string("cluster: ") + e.what());
  } catch (const plugin_host::PluginLoadError& e) {
    log::get("wind").fatal(std::string("plugins: ") + e.what());
  } catch (const Poco::Exception& e) {
    // what() is only the class name ("Net Exception"); the cause is in displayText().
    log::get("wind").fatal("cannot start: " + e.displayText());
  } catch (const std::exception& e) {
    log::get("wind").fatal(std::string("cannot start: ") + e.what());
  }
  return kExitFailure;
}
