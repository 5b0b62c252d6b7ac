import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

/** Unicast reference for the benchmark: serves one file over HTTP (streamed). argv: file ip port */
const [file, host, port] = process.argv.slice(2) as [string, string, string];
const size = statSync(file).size;
createServer((_req, res) => {
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
}).listen(Number(port), host, () => process.stdout.write('listening\n'));
