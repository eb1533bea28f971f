#pragma once
// Every scenario: reads its options, drives the server, prints a Report.
#include "options.h"

namespace wind::bench {

int runSetup(const Options& options);
int runEcho(const Options& options);
int runDm(const Options& options);
int runIdle(const Options& options);
int runHistory(const Options& options);
int runLoginStorm(const Options& options);
int runSlowReader(const Options& options);
int runReauth(const Options& options);

}  // namespace wind::bench
