import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { SPECS_DIR } from './sharedDir';

type Json = Record<string, unknown>;

interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Json> }>>;
  components: { schemas: Record<string, Json>; responses?: Record<string, Json> };
}

/**
 * Graph's OpenAPI description cannot be used strictly (see upstream-specs/README.md): every schema
 * carries `additionalProperties: {type: object}`, and a `$ref` property cannot be nullable in
 * OpenAPI 3.0. Exactly those two points are relaxed here, nothing more.
 */
function relaxGraph(node: unknown, isPropertiesMap = false): unknown {
  if (Array.isArray(node)) return node.map((n) => relaxGraph(n));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (!isPropertiesMap && key === 'additionalProperties') continue;
    if (isPropertiesMap && value && typeof value === 'object' && '$ref' in (value as Json)) {
      out[key] = { anyOf: [value, { type: 'null' }] };
      continue;
    }
    out[key] = relaxGraph(value, !isPropertiesMap && key === 'properties');
  }
  return out;
}

export interface SpecValidator {
  /** Validates a response body for an operation and status; returns Ajv's errors as text, or null. */
  check(method: string, pathTemplate: string, status: number, body: unknown): string | null;
  /** Validates against one named component schema. */
  checkSchema(schemaName: string, body: unknown): string | null;
}

/**
 * Options: `graphRelaxations` (the two Graph points above); `openEnums`, component schema names
 * whose enum is read as an open string. The specs README asks for exactly that for Veeam's
 * `RESTEventType`: the `RESTEvent` discriminator maps only 27 of its 30 values, so the event type is
 * parsed as an open string (events are then checked against their subtype schema by name).
 */
export function loadSpecValidator(file: string, options: { graphRelaxations: boolean; openEnums?: string[] }): SpecValidator {
  const text = readFileSync(path.join(SPECS_DIR, file), 'utf8');
  const raw = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Spec;
  const spec = (options.graphRelaxations ? relaxGraph(raw) : raw) as Spec;
  for (const name of options.openEnums ?? []) {
    const schema = spec.components.schemas[name];
    if (!schema || !Array.isArray(schema.enum)) throw new Error(`${file} has no enum schema ${name} to open`);
    spec.components.schemas[name] = { type: 'string', description: schema.description };
  }
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'spec', components: spec.components }, 'spec');
  const cache = new Map<string, ValidateFunction>();
  const compile = (ref: string) => {
    let fn = cache.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: `spec${ref}` });
      cache.set(ref, fn);
    }
    return fn;
  };
  const run = (ref: string, body: unknown) => {
    const fn = compile(ref);
    return fn(body) ? null : ajv.errorsText(fn.errors, { separator: '\n' });
  };
  return {
    check(method, pathTemplate, status, body) {
      const operation = spec.paths[pathTemplate]?.[method.toLowerCase()];
      if (!operation) throw new Error(`no operation ${method} ${pathTemplate} in ${file}`);
      let response = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`] ?? operation.responses.default;
      if (!response) throw new Error(`no response ${status} for ${method} ${pathTemplate} in ${file}`);
      if (typeof response.$ref === 'string') {
        const name = response.$ref.split('/').pop() as string;
        response = spec.components.responses?.[name] as Json;
      }
      const content = response.content as Record<string, { schema: Json }> | undefined;
      if (!content) {
        if (body !== undefined && body !== '') return `expected no body for ${status}, got ${JSON.stringify(body).slice(0, 200)}`;
        return null;
      }
      const schema = (content['application/json'] ?? content['*/*']).schema;
      if (typeof schema.$ref === 'string') return run(schema.$ref, body);
      const key = `#/paths/${method}${pathTemplate}/${status}`;
      let fn = cache.get(key);
      if (!fn) {
        fn = ajv.compile(rewriteRefs(schema));
        cache.set(key, fn);
      }
      return fn(body) ? null : ajv.errorsText(fn.errors, { separator: '\n' });
    },
    checkSchema(schemaName, body) {
      return run(`#/components/schemas/${schemaName}`, body);
    },
  };
}

function rewriteRefs(node: unknown): Json {
  return JSON.parse(JSON.stringify(node).replace(/"#\/components\//g, '"spec#/components/')) as Json;
}
