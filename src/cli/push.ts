import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { createLogger } from '../log.js';
import { Metrics } from '../metrics.js';
import { parseBitrate } from '../multicast/config.js';
import { parseDollyCfg } from '../multicast/dolly.js';
import { PushManager, type PushOptions, type PushProgress } from '../multicast/manager.js';
import type { CliContext } from './context.js';
import { intOption, json, table, withJson } from './shared.js';

interface PushFlags {
  to?: string;
  dolly?: string;
  min?: number;
  maxWait?: number;
  halfDuplex?: boolean;
  fullDuplex?: boolean;
  maxBitrate?: string;
  autoRate?: boolean;
  pointopoint?: boolean;
  gso?: boolean;
  cpuSlice?: number;
  portBase?: number;
  group?: string;
  ttl?: number;
  interface?: string;
  dropAfter?: number;
  startTimeout?: number;
  json?: boolean;
}

const MiB = 1024 * 1024;

function bar(p: PushProgress, elapsedS: number): string {
  const live = p.receivers.filter((r) => r.state === 'joined' || r.state === 'done');
  const confirmed = live.length ? Math.min(...live.map((r) => r.bytesConfirmed)) : 0;
  const frac = p.size > 0 ? confirmed / p.size : 0;
  const width = 30;
  const filled = Math.round(frac * width);
  const count = (s: string) => p.receivers.filter((r) => r.state === s).length;
  const rate = elapsedS > 0 ? confirmed / MiB / elapsedS : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${count('joined')} joined ${count('done')} done ${count('dropped')} dropped ${count('waiting')} waiting  ${rate.toFixed(1)} MiB/s`;
}

function summary(p: PushProgress): string {
  const rows = p.receivers.map((r) => [r.hostname, r.ip, r.state, r.client, r.bytesConfirmed, r.detail]);
  return `push ${p.id} ${p.state}: ${p.image} → ${p.target} (${p.result ?? ''})\n${table(['HOST', 'IP', 'STATE', 'CLIENT', 'BYTES', 'DETAIL'], rows)}`;
}

async function runPush(ctx: CliContext, image: string, target: string, o: PushFlags, label?: string): Promise<void> {
  if (o.halfDuplex && o.fullDuplex) throw new ValidationError('choose one of --half-duplex and --full-duplex', 'duplex');
  const maxBitrate = o.maxBitrate === undefined ? undefined : parseBitrate(o.maxBitrate);
  if (maxBitrate === null) throw new ValidationError(`"${o.maxBitrate}" is not a bitrate (e.g. 900m, 1g)`, 'max-bitrate');
  const config = ctx.config();
  const log = createLogger(process.env.RACKBOOT_LOG_LEVEL ?? 'warn', 'text', process.stderr);
  const manager = new PushManager({ db: ctx.db(), config, log, metrics: new Metrics() });
  const options: PushOptions = {
    portBase: o.portBase,
    group: o.group,
    ttl: o.ttl,
    interface: o.interface,
    duplex: o.halfDuplex ? 'half' : o.fullDuplex ? 'full' : undefined,
    maxBitrate,
    autoRate: o.autoRate,
    pointToPoint: o.pointopoint === false ? false : undefined,
    gso: o.gso === false ? false : undefined,
    cpuSliceUs: o.cpuSlice,
    minReceivers: o.min,
    maxWait: o.maxWait,
    startTimeout: o.startTimeout,
    dropAfter: o.dropAfter,
    by: `cli:${userInfo().username}`,
    targetLabel: label,
  };
  const id = await manager.start(target, image, options);
  const tty = process.stderr.isTTY && !o.json;
  const t0 = Date.now();
  process.stderr.write(`push ${id}: waiting for receivers on port base ${manager.progress(id).portBase}\n`);
  const timer = setInterval(() => {
    if (tty) process.stderr.write(`\r${bar(manager.progress(id), (Date.now() - t0) / 1000)}`);
  }, 250);
  const onSignal = () => manager.cancel(id, 'interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const final = await manager.wait(id).finally(() => {
    clearInterval(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  if (tty) process.stderr.write(`\r${bar(final, (Date.now() - t0) / 1000)}\n`);
  ctx.out(o.json ? json(final) : summary(final));
  const incomplete = final.receivers.filter((r) => r.state !== 'done' && r.state !== 'refused');
  if (final.state !== 'done' || incomplete.length > 0) process.exitCode = 1;
}

export function registerPushCommands(program: Command, ctx: CliContext): void {
  const push = program
    .command('push')
    .description('multicast an image to nodes with the udpcast protocol (stock udp-receiver works)')
    .argument('[image]', 'image name from `rackboot image list`, or a file path')
    .option('--to <target>', 'cluster:NAME, rack:NAME, or hostnames/IPv4s, comma-separated (a bare name: cluster, then rack, then host)')
    .option('--dolly <file>', 'push as a dolly.cfg describes (infile → its clients)')
    .option('--min <n>', 'start with at least N receivers once --max-wait passed', intOption('min'))
    .option('--max-wait <s>', 'seconds to wait for the whole target', intOption('max-wait'))
    .option('--start-timeout <s>', 'fail if fewer than --min joined after this many seconds', intOption('start-timeout'))
    .option('--drop-after <s>', 'drop a receiver silent for this many seconds', intOption('drop-after'))
    .option('--half-duplex', 'one slice in flight: wait for acknowledgements before the next')
    .option('--full-duplex', 'two slices in flight, as udp-sender (default)')
    .option('--max-bitrate <rate>', 'rate limit, e.g. 900m or 1g (bits/s, payload + 28 header bytes)')
    .option('--auto-rate', 'slow down on heavy loss (AIMD between 25% and 100% of --max-bitrate)')
    .option('--no-pointopoint', 'multicast even to a single receiver (default: unicast to it, as udp-sender)')
    .option('--no-gso', 'one system call per datagram, even where UDP segmentation offload is available')
    .option('--cpu-slice <us>', 'time slice to ask the kernel for while pushing, 100..100000 µs; 0: its default (default: multicast.cpuSliceUs, 100)', intOption('cpu-slice'))
    .option('--port-base <p>', 'receivers use P, the sender P+1 (default 9000)', intOption('port-base'))
    .option('--group <ipv4>', 'data multicast group (default: udpcast rule, 232.x.y.z from the sender address)')
    .option('--ttl <n>', 'multicast TTL (default 1)', intOption('ttl'))
    .option('--interface <if>', 'network interface to push on')
    .option('--json', 'print the final result as JSON')
    .action(async (image: string | undefined, o: PushFlags) => {
      if (o.dolly !== undefined) {
        if (image !== undefined || o.to !== undefined) throw new ValidationError('--dolly takes the image and the clients from the file; give no IMAGE or --to', 'dolly');
        const cfg = parseDollyCfg(readFileSync(o.dolly, 'utf8'));
        process.stderr.write(`dolly.cfg: ${cfg.infile} → ${cfg.clients.length} clients (outfile ${cfg.outfile} is chosen by each node's receiver)\n`);
        return runPush(ctx, cfg.infile, cfg.clients.join(','), o, `dolly:${o.dolly}`);
      }
      if (image === undefined || o.to === undefined) throw new ValidationError('usage: rackboot push IMAGE --to TARGET, or rackboot push --dolly dolly.cfg', 'push');
      return runPush(ctx, image, o.to, o);
    });

  // `--json` is also an option of `push` itself, and commander hands it to the parent:
  // read either, so `push list --json` and `push show ID --json` print JSON.
  const wantJson = (o: { json?: boolean }): boolean => Boolean(o.json || push.opts<{ json?: boolean }>().json);
  withJson(push.command('list').description('push history, newest first')).action((o: { json?: boolean }) => {
    o.json = wantJson(o);
    const manager = new PushManager({ db: ctx.db(), config: ctx.config(), log: createLogger('silent'), metrics: new Metrics() });
    const list = manager.list();
    ctx.out(
      o.json ? json(list)
      : table(['ID', 'STATE', 'IMAGE', 'TARGET', 'BY', 'CREATED', 'FINISHED', 'RESULT'], list.map((p) => [p.id, p.state, p.image, p.target, p.startedBy, p.createdAt, p.finishedAt, p.result])),
    );
  });

  withJson(push.command('show <id>').description('one push: per-node result')).action((id: string, o: { json?: boolean }) => {
    o.json = wantJson(o);
    const manager = new PushManager({ db: ctx.db(), config: ctx.config(), log: createLogger('silent'), metrics: new Metrics() });
    const p = manager.progress(intOption('id')(id));
    ctx.out(o.json ? json(p) : summary(p));
  });
}
