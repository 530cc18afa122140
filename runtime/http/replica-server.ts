/**
 * The HTTP server of one replica (loopback by default): `/metrics`, `/health` and `/ready`
 * (`runtime/metrics/replica-endpoints.ts`), and whatever else registers a route on it later
 * (the dashboard's pages and JSON endpoints). GET and HEAD only; one handler per exact path.
 *
 * ```ts
 * const server = new ReplicaServer({ host: '127.0.0.1', port: 9464, logger });
 * server.route('/ping', () => ({ status: 200, contentType: 'text/plain', body: 'pong' }));
 * const { port } = await server.start();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WeirError } from '../../errors/weir-error';
import type { Logger } from '../logger';

export interface RouteResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
}

export type RouteHandler = (request: IncomingMessage, url: URL) => RouteResponse | Promise<RouteResponse>;

export interface ReplicaServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests); `address()` tells which. */
  readonly port: number;
  readonly logger: Logger;
}

export class ReplicaServer {
  private readonly routes = new Map<string, RouteHandler>();
  private server: Server | undefined;

  constructor(private readonly options: ReplicaServerOptions) {}

  route(path: string, handler: RouteHandler): void {
    if (this.routes.has(path)) throw new WeirError('INVALID_CONFIG', `HTTP route ${path} is registered twice`, { option: 'route' });
    this.routes.set(path, handler);
  }

  async start(): Promise<{ host: string; port: number }> {
    const { host, port, logger } = this.options;
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new WeirError('INVALID_CONFIG', `cannot listen on ${host}:${port}: ${error.message}`, { option: 'metricsPort' }, { cause: error })));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const address = this.address()!;
    logger.log('info', 'HTTP endpoint listening', { url: `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`, routes: [...this.routes.keys()] });
    return address;
  }

  address(): { host: string; port: number } | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? { host: address.address, port: address.port } : undefined;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Keep-alive connections of a scraper would hold `close()` open.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://replica');
    const handler = this.routes.get(url.pathname);
    let reply: RouteResponse;
    if (!handler) {
      reply = { status: 404, contentType: 'text/plain; charset=utf-8', body: `not found; try ${[...this.routes.keys()].join(', ')}\n` };
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply = { status: 405, contentType: 'text/plain; charset=utf-8', body: 'only GET and HEAD\n' };
    } else {
      try {
        reply = await handler(request, url);
      } catch (error) {
        this.options.logger.log('error', 'HTTP handler failed', { path: url.pathname, error });
        reply = { status: 500, contentType: 'text/plain; charset=utf-8', body: `${error instanceof Error ? error.message : String(error)}\n` };
      }
    }
    response.writeHead(reply.status, { 'content-type': reply.contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : reply.body);
  }
}
