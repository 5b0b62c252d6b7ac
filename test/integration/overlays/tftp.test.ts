import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/metrics.js';
import { tftpConfigSchema } from '../../../src/tftp/config.js';
import { startTftpServer, type TftpServer } from '../../../src/tftp/server.js';
import { captureLogger, requireTool } from '../tftp/helpers.js';
import { MACS, overlayFixture } from '../../unit/node/overlays-fixture.js';

const run = promisify(execFile);

/** curl's exit codes for TFTP errors (libcurl CURLE_TFTP_NOTFOUND, CURLE_TFTP_PERM). */
const CURL_TFTP_NOT_FOUND = 68;
const CURL_TFTP_ACCESS_VIOLATION = 69;

describe('TFTP overlay/<mac>.cpio (real server, real clients, real inventory)', () => {
  let f: ReturnType<typeof overlayFixture>;
  let server: TftpServer;
  const out = mkdtempSync(join(tmpdir(), 'rbt-overlay-tftp-'));
  const metrics = new Metrics();

  beforeAll(async () => {
    requireTool('atftp', 'atftp');
    requireTool('curl', 'curl');
    f = overlayFixture({ ips: { node1: '127.0.0.1', node2: '127.0.0.3' } });
    server = await startTftpServer({
      config: tftpConfigSchema.parse({ address: '127.0.0.1', port: 0 }),
      mounts: [{ prefix: '', dir: out }],
      backend: f.backend,
      logger: captureLogger().logger,
      metrics,
    });
  });
  afterAll(async () => {
    await server?.close();
    f.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  /** curl from a chosen loopback source address; resolves with its exit code. */
  const curlFrom = (source: string, remote: string, local: string): Promise<number> =>
    run('curl', ['-sS', '--interface', source, '-o', local, `tftp://127.0.0.1:${server.port}/${remote}`]).then(
      () => 0,
      (e: { code: number }) => e.code,
    );

  it("atftp from the node's own address gets its archive, byte for byte what the backend renders", async () => {
    const local = join(out, 'node1.cpio');
    await run('atftp', ['-g', '-r', `overlay/${MACS.node1.replace(/:/g, '-')}.cpio`, '-l', local, '--option', 'blksize 1468', '127.0.0.1', String(server.port)]);
    const want = f.backend.renderOverlay!(MACS.node1, '127.0.0.1');
    expect(want.ok && readFileSync(local).equals(want.bytes)).toBe(true);
    const hostname = await run('cpio', ['-i', '--quiet', '--to-stdout', '-F', local, 'etc/hostname']);
    expect(hostname.stdout).toBe('node1\n');
  });

  it('any other address gets an access violation; an unknown MAC file not found', async () => {
    expect(await curlFrom('127.0.0.1', `overlay/${MACS.node1}.cpio`, join(out, 'ok.cpio'))).toBe(0);
    expect(await curlFrom('127.0.0.3', `overlay/${MACS.node1}.cpio`, join(out, 'x1'))).toBe(CURL_TFTP_ACCESS_VIOLATION);
    expect(await curlFrom('127.0.0.9', `overlay/${MACS.node1}.cpio`, join(out, 'x2'))).toBe(CURL_TFTP_ACCESS_VIOLATION);
    expect(await curlFrom('127.0.0.1', 'overlay/00:16:3e:99:99:99.cpio', join(out, 'x3'))).toBe(CURL_TFTP_NOT_FOUND);
    const errors = await metrics.registry.getSingleMetric('rackboot_tftp_errors_total')!.get();
    expect(errors.values.find((v) => v.labels.kind === 'access')?.value).toBe(2);
  });
});
