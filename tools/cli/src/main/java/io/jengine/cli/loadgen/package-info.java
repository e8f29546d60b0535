/**
 * {@code engine loadgen}: drives a KServe V2 server on this machine with inference requests, closed loop (a fixed
 * number of clients) or open loop (a fixed request rate), and reports throughput, latency and error statuses.
 */
package io.jengine.cli.loadgen;
