import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { describeSystemError, errorCode } from '../system-error.js';

/** What `inspect` needs of the `ws` package: a server that shares an HTTP server, and its clients. */
interface WsClient {
  readonly readyState: number;
  send(data: string): void;
  on(event: 'message', listener: (data: { toString(): string }) => void): void;
  on(event: 'error', listener: (cause: unknown) => void): void;
}
interface WsServer {
  readonly clients: Iterable<WsClient>;
  on(event: 'connection', listener: (client: WsClient) => void): void;
  on(event: 'error', listener: (cause: unknown) => void): void;
  close(): void;
}
interface WsModule {
  readonly WebSocketServer: new (options: {
    readonly server: Server;
    readonly verifyClient: (info: {
      readonly origin?: string | undefined;
      readonly req: { readonly headers: { readonly host?: string } };
    }) => boolean;
  }) => WsServer;
  readonly OPEN: number;
}

/** The inspection events a page that connects late still gets: the server's most recent ones. */
const BUFFERED = 200;

/**
 * The page a browser opens: the Stately inspector in a frame, fed with what arrives on this
 * server's WebSocket, at the address the page itself came from (so it works whatever the host).
 * What @statelyai/inspect's own server serves, but for that address.
 */
const page = (inspectorUrl: string): string => `<!DOCTYPE html>
<html>
<head>
  <title>Stately Inspector</title>
  <style>* { margin: 0; padding: 0; } html, body { height: 100%; } iframe { width: 100%; height: 100%; border: none; }</style>
</head>
<body>
  <iframe id="inspector" src="${inspectorUrl}"></iframe>
  <script>
    const iframe = document.getElementById('inspector');
    const buffer = [];
    let connected = false;
    window.addEventListener('message', (e) => {
      if (e.data && e.data.type === '@statelyai.connected') {
        connected = true;
        for (const event of buffer.splice(0)) iframe.contentWindow.postMessage(event, '*');
      }
    });
    const ws = new WebSocket('ws://' + location.host);
    ws.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (connected) iframe.contentWindow.postMessage(data, '*');
      else buffer.push(data);
    };
  </script>
</body>
</html>
`;

/** How `inspect` serves the inspector. */
export interface InspectorServerOptions {
  /** The address to listen on: `127.0.0.1` (this machine only) unless told otherwise. */
  readonly host: string;
  readonly port: number;
}

/** A running inspector server. */
export interface InspectorServer {
  /** The page to open in a browser: `http://127.0.0.1:8080`. */
  readonly pageUrl: string;
  /** Where inspected actors send their events: `ws://127.0.0.1:8080`. */
  readonly eventsUrl: string;
  /** Stops listening and closes the connections. */
  readonly stop: () => void;
}

/** Listening on every address (`0.0.0.0`, `::`): a browser on this machine still finds it at localhost. */
const isWildcard = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '[::]';

/** The name in a Host header: `127.0.0.1` of `127.0.0.1:8080`, `::1` of `[::1]:8080`. */
const hostName = (header: string): string => {
  if (header.startsWith('[')) return header.slice(1, Math.max(1, header.indexOf(']')));
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
};

/**
 * Whether a WebSocket client may read the inspection events. A browser says which page opened the
 * connection (Origin): only this server's own page may, at an address of this machine, so that
 * another site open in the same browser cannot read the conversations from 127.0.0.1 (WebSockets
 * are not bound by the same-origin policy), nor by renaming itself to 127.0.0.1 (DNS rebinding).
 * A client that is not a browser sends no Origin: the actors' own inspector, a test.
 */
const mayConnect = (origin: string | undefined, hostHeader: string | undefined, listening: string): boolean => {
  if (origin === undefined) return true;
  if (hostHeader === undefined || origin !== `http://${hostHeader}`) return false;
  if (isWildcard(listening)) return true; // every interface: the user chose to show it to the network
  const name = hostName(hostHeader);
  return name === 'localhost' || name === '127.0.0.1' || name === '::1' || name === listening;
};

/** A host as it goes in a URL: an IPv6 address in brackets. */
const inUrl = (host: string): string => (isIP(host) === 6 ? `[${host}]` : host);

/**
 * Why the server could not start, as a sentence for `inspect: …`: a busy port, an address this
 * machine does not have, a name that does not resolve.
 */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/**
 * Starts an inspector server on `host:port`: an HTTP page that embeds the Stately inspector, and
 * a WebSocket that relays inspection events between the actors' inspector and the pages (the
 * protocol of @statelyai/inspect's server, whose `ws` it uses). Unlike @statelyai/inspect's own
 * `createInspectorServer`, which listens on every interface with no way to say otherwise, it
 * listens where it is told: by default only this machine can see the conversations it shows.
 * Resolves once it listens; rejects with a {@link ListenError} when it cannot.
 */
export const startInspectorServer = async (options: InspectorServerOptions): Promise<InspectorServer> => {
  const { WebSocketServer, OPEN } = loadWs();
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(page('https://stately.ai/inspect'));
  });
  const host = options.host.startsWith('[') && options.host.endsWith(']') ? options.host.slice(1, -1) : options.host;
  await new Promise<void>((resolve, reject) => {
    http.once('error', (cause) => {
      const code = errorCode(cause);
      const where = `${inUrl(host)}:${options.port}`;
      reject(
        new ListenError(
          code === 'EADDRINUSE'
            ? `port ${options.port} is in use: choose another with --port`
            : `cannot listen on ${where}: ${describeSystemError(cause)}: choose another ${code === 'EACCES' ? '--port' : '--host'}`,
        ),
      );
    });
    http.listen(options.port, host, () => resolve());
  });
  // Only once it listens: `ws` re-emits the HTTP server's errors, and a listen error there would
  // be thrown, unhandled.
  const wss = new WebSocketServer({ server: http, verifyClient: ({ origin, req }) => mayConnect(origin, req.headers.host, host) });
  const recent: string[] = [];
  // A failing connection (a page closed mid-message) is that page's: the command and the others go on.
  wss.on('error', () => undefined);
  wss.on('connection', (client) => {
    client.on('error', () => undefined);
    for (const message of recent) client.send(message);
    client.on('message', (data) => {
      const message = data.toString();
      recent.push(message);
      if (recent.length > BUFFERED) recent.shift();
      for (const other of wss.clients) if (other !== client && other.readyState === OPEN) other.send(message);
    });
  });
  const shown = isWildcard(host) ? 'localhost' : inUrl(host);
  const connect = isWildcard(host) ? '127.0.0.1' : inUrl(host);
  return {
    pageUrl: `http://${shown}:${options.port}`,
    eventsUrl: `ws://${connect}:${options.port}`,
    stop: () => {
      wss.close();
      http.close();
      http.closeAllConnections();
    },
  };
};

/**
 * `ws`, as @statelyai/inspect depends on it: resolved from that package, where npm puts its
 * dependencies whatever the layout (hoisted or not). The caller has checked that the package is there.
 */
const loadWs = (): WsModule => createRequire(import.meta.resolve('@statelyai/inspect'))('ws') as WsModule;

/**
 * Opens `url` in the default browser, without a shell (the URL is an argument, never parsed as a
 * command). Resolves with why it could not, or `undefined`.
 */
export const openInBrowser = (url: string): Promise<string | undefined> =>
  new Promise((resolve) => {
    const [command, args]: [string, string[]] =
      process.platform === 'darwin'
        ? ['open', [url]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', url]]
          : ['xdg-open', [url]];
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', (cause) => resolve(`${command}: ${describeSystemError(cause)}`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
