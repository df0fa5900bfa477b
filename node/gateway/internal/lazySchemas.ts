// Route schemas compiled when a route is first used, not all of them before the gateway listens.
// Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify)
// when it becomes ready: with the gateway's ~150 routes that was about a tenth of a restart's CPU
// (docs/scale.md, "Restart to serving"), spent before the first request could be answered, for
// routes most restarts never see. The compilers are Fastify's own defaults with the same options,
// only deferred: a route's first request pays for its own schemas (milliseconds), later ones find
// them compiled. test/node/gateway/lazySchemas.test.ts compiles every route's schemas, so a schema
// that does not compile still fails the tests rather than a first request.
import AjvCompiler from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyServerOptions } from "fastify";

type ValidatorFactory = (externalSchemas: unknown, options: unknown) => FastifySchemaCompiler<unknown>;
type SerializerFactory = (externalSchemas: unknown, options: unknown) => FastifySerializerCompiler<unknown>;
type Validate = ((data: unknown) => unknown) & { errors?: unknown };
type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;

export type LazySchemas = {
  /** For Fastify's `schemaController.compilersFactory`. */
  compilersFactory: CompilersFactory;
  /** Compiles every schema not compiled yet and returns how many there were (tests). */
  compileAll(): number;
};

export function lazySchemas(): LazySchemas {
  const pending = new Set<() => unknown>();
  const defaultValidators = AjvCompiler() as unknown as ValidatorFactory;
  const defaultSerializers = SerializerSelector() as unknown as SerializerFactory;

  function deferred<T>(compile: () => T): () => T {
    let compiled: T | undefined;
    const get = () => {
      if (compiled === undefined) {
        compiled = compile();
        pending.delete(get);
      }
      return compiled;
    };
    pending.add(get);
    return get;
  }

  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    const compiler = defaultValidators(externalSchemas, options);
    return (route) => {
      // Fastify lower-cases a headers schema's names itself for its default compiler, and leaves
      // a custom one's alone: the gateway's are lower case already, and must stay so.
      if (route.httpPart === "headers") assertLowerCaseHeaders(route.schema, route.url);
      const validator = deferred(() => compiler(route) as Validate);
      // Fastify reads a failed validation's errors from the function it was given.
      const validate: Validate = (data) => {
        const v = validator();
        const result = v(data);
        validate.errors = v.errors;
        return result;
      };
      return validate as ReturnType<FastifySchemaCompiler<unknown>>;
    };
  };
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compiler = defaultSerializers(externalSchemas, options);
    return (route) => {
      const serializer = deferred(() => compiler(route) as (data: unknown) => string);
      return (data: unknown) => serializer()(data);
    };
  };

  return {
    compilersFactory: { buildValidator, buildSerializer } as unknown as CompilersFactory,
    compileAll() {
      const all = [...pending];
      for (const compile of all) compile();
      return all.length;
    },
  };
}

function assertLowerCaseHeaders(schema: unknown, url: string): void {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  for (const name of Object.keys(properties))
    if (name !== name.toLowerCase()) throw new Error(`${url}: header ${name} in the route's schema must be written in lower case`);
}
