import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the kernel picks it; closed again before return). */
export async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
