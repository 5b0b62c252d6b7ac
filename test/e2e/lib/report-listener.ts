import { join } from 'node:path';
import type { LabNet } from '../../../lab/lib/netns.js';
import { Service } from '../../../lab/lib/service.js';

/**
 * A minimal HTTP listener in the server namespace standing in for rackboot's report-back
 * endpoint in the harness self-check. Each request prints one JSON line
 * `{"report":{"method","url","from"}}` on stdout.
 */
const SCRIPT = `
const http = require('node:http');
const [host, port] = process.argv.slice(1);
http.createServer((req, res) => {
  const from = req.socket.remoteAddress;
  console.log(JSON.stringify({ report: { method: req.method, url: req.url, from } }));
  res.end('recorded ' + from + '\\n');
}).listen(Number(port), host, () => console.log('listening ' + host + ':' + port));
`;

export interface ReportRequest {
  method: string;
  url: string;
  from: string;
}

export function startReportListener(net: LabNet, workDir: string, port: number): Service {
  return new Service('report-listener', net.serverNs, [process.execPath, '-e', SCRIPT, net.serverIp, String(port)], join(workDir, 'report.log'));
}

export function reportsIn(service: Service): ReportRequest[] {
  return service
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{"report"'))
    .map((l) => (JSON.parse(l) as { report: ReportRequest }).report);
}
