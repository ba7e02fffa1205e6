import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';

// Google's own code, for differential tests: the message types of `@google-cloud/dialogflow` (its
// protos.json, as its client loads them) and proto3-json-serializer, which google-gax uses for REST.
const require = createRequire(import.meta.url);

const loadGoogleRoot = (): protobuf.Root => {
  const root = protobuf.Root.fromJSON(require('@google-cloud/dialogflow/build/protos/protos.json'));
  // The client's protos.json lacks google.rpc's error details; they ship with google-gax.
  let gax = path.dirname(require.resolve('google-gax'));
  while (path.basename(gax) !== 'google-gax') gax = path.dirname(gax);
  const file = path.join(gax, 'build', 'protos', 'google', 'rpc', 'error_details.proto');
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  const rpc = protobuf.parse(readFileSync(file, 'utf8'), { keepCase: false }).root.lookup('google.rpc') as protobuf.Namespace;
  (root.lookup('google.rpc') as protobuf.Namespace).addJSON(rpc.toJSON().nested ?? {});
  root.resolveAll();
  return root;
};

/** The protobufjs root of Google's Node client. */
export const googleRoot: protobuf.Root = loadGoogleRoot();

export const googleType = (name: string): protobuf.Type => googleRoot.lookupType(name);
