/** Settings as plain data: VS Code hands them out as proxies, which a MessagePort cannot clone. */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
