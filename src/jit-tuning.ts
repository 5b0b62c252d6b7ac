import { setFlagsFromString } from 'node:v8';

/**
 * Hot functions are optimised after a quarter of V8's default interrupt budget (67,584 →
 * 16,384 bytecode units), so a rack that PXE-boots right after the daemon (re)starts meets
 * optimised code sooner. Imported first by main.ts, before any other module runs.
 *
 * Measured with bench/dhcp (1 outstanding, the 2,000 exchanges after a 500-exchange warm-up
 * of a fresh daemon): p99 1.36 ms median over 9 rounds (0.85–1.70) with it, 1.89 ms over 12
 * (1.22–2.52) without; throughput at 64 outstanding and warm latency unchanged within noise.
 */
setFlagsFromString('--interrupt-budget=16384');
