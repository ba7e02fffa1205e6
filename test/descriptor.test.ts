import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { jsonNameOf, messagePlan } from '../src/wire/descriptor.js';
import { googleType } from './google.js';
import { DESCRIPTOR_PATH, descriptorText, ROOTS } from './support/generate-descriptor.mjs';

/** The fields of a v2beta1 message's v2 counterpart that it lacks (none for messages outside v2beta1). */
const v2Only = (fullName: string, beta: protobuf.Type): protobuf.Field[] => {
  if (!fullName.startsWith('google.cloud.dialogflow.v2beta1.')) return [];
  let v2: protobuf.Type;
  try {
    v2 = googleType(fullName.replace('.v2beta1.', '.v2.'));
  } catch {
    return [];
  }
  return v2.fieldsArray.filter((f) => beta.fieldsById[f.id] === undefined);
};

describe('the committed protobuf descriptor', () => {
  it('is what test/support/generate-descriptor.mjs generates from the .proto files of @google-cloud/dialogflow', () => {
    // If this fails after upgrading @google-cloud/dialogflow, run `npm run generate:descriptor`.
    expect(readFileSync(DESCRIPTOR_PATH, 'utf8')).toBe(descriptorText());
  });

  it('has every field of every message the client has, with the same numbers and types', () => {
    for (const name of ROOTS) {
      const seen = new Set<string>();
      const check = (fullName: string) => {
        if (seen.has(fullName)) return;
        seen.add(fullName);
        const mine = messagePlan(fullName);
        const theirs = googleType(fullName);
        const type = (f: { resolvedType: { fullName: string } | null; type: string }) => f.resolvedType?.fullName.slice(1) ?? f.type;
        expect(
          mine.fields
            .map((f) => [
              f.jsonName,
              f.number,
              f.repeated,
              f.mapKey,
              type(
                f.messagePlan
                  ? { resolvedType: { fullName: `.${f.messagePlan.fullName}` }, type: '' }
                  : f.enumPlan
                    ? { resolvedType: { fullName: `.${f.enumPlan.fullName}` }, type: '' }
                    : { resolvedType: null, type: f.kind },
              ),
            ])
            .sort(),
        ).toEqual(
          // A v2beta1 message has the fields of its v2 counterpart it lacks too (the superset).
          [...theirs.fieldsArray, ...v2Only(fullName, theirs)]
            .map((f) => [jsonNameOf(f.name), f.id, f.repeated, f instanceof protobuf.MapField ? f.keyType : undefined, type(f.resolve())])
            .sort(),
        );
        for (const f of mine.fields) if (f.messagePlan) check(f.messagePlan.fullName);
      };
      check(name);
    }
  });
});
