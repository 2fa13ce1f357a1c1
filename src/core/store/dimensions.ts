// Resources and scopes are stored once each (deduplicated by a hash of their canonical JSON) and
// shared by every span and log record that carries them.
import { createHash } from 'node:crypto';
import type { InstrumentationScope, Resource } from '../otlp/model';
import { firstRow, num, str, type Statements } from './sqlite';
import type { StoredResource, StoredScope } from './types';
import { parseJson, toJson } from './values';

const insertResource = 'INSERT INTO resources (hash, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING';
const insertScope =
  'INSERT INTO scopes (hash, name, version, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING';

export class Dimensions {
  // canonical JSON -> row id, for ingest; row id -> value, for reads. Both are caches of the tables.
  private readonly resourceIds = new Map<string, number>();
  private readonly scopeIds = new Map<string, number>();
  private readonly resources = new Map<number, StoredResource>();
  private readonly scopes = new Map<number, StoredScope>();

  constructor(private readonly stmts: () => Statements) {}

  resourceId(resource: Resource, schemaUrl: string): number {
    const attributes = toJson(resource.attributes);
    const canonical = `${attributes}\n${resource.droppedAttributesCount}\n${schemaUrl}`;
    let id = this.resourceIds.get(canonical);
    if (id === undefined) {
      const hash = sha1(canonical);
      const stmts = this.stmts();
      stmts.get(insertResource).run([hash, attributes, resource.droppedAttributesCount, schemaUrl]);
      id = num(firstRow(stmts, 'SELECT id FROM resources WHERE hash = ?', [hash])?.[0]);
      this.resourceIds.set(canonical, id);
    }
    return id;
  }

  scopeId(scope: InstrumentationScope, schemaUrl: string): number {
    const attributes = toJson(scope.attributes);
    const canonical = `${toJson([scope.name, scope.version])}\n${attributes}\n${scope.droppedAttributesCount}\n${schemaUrl}`;
    let id = this.scopeIds.get(canonical);
    if (id === undefined) {
      const hash = sha1(canonical);
      const stmts = this.stmts();
      stmts.get(insertScope).run([hash, scope.name, scope.version, attributes, scope.droppedAttributesCount, schemaUrl]);
      id = num(firstRow(stmts, 'SELECT id FROM scopes WHERE hash = ?', [hash])?.[0]);
      this.scopeIds.set(canonical, id);
    }
    return id;
  }

  resource(id: number): StoredResource {
    let value = this.resources.get(id);
    if (!value) {
      const row = firstRow(this.stmts(), 'SELECT attributes, dropped_attributes_count, schema_url FROM resources WHERE id = ?', [id]);
      if (!row) throw new Error(`store: resource ${id} is missing`);
      value = { attributes: parseJson(str(row[0])), droppedAttributesCount: num(row[1]), schemaUrl: str(row[2]) };
      this.resources.set(id, value);
    }
    return value;
  }

  scope(id: number): StoredScope {
    let value = this.scopes.get(id);
    if (!value) {
      const row = firstRow(this.stmts(), 'SELECT name, version, attributes, dropped_attributes_count, schema_url FROM scopes WHERE id = ?', [id]);
      if (!row) throw new Error(`store: scope ${id} is missing`);
      value = { name: str(row[0]), version: str(row[1]), attributes: parseJson(str(row[2])), droppedAttributesCount: num(row[3]), schemaUrl: str(row[4]) };
      this.scopes.set(id, value);
    }
    return value;
  }

  /** After a rollback, clear() or a reopen: the tables may no longer hold what the caches say. */
  reset(): void {
    this.resourceIds.clear();
    this.scopeIds.clear();
    this.resources.clear();
    this.scopes.clear();
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
