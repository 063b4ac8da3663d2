/** The paths the server routes and the methods each takes, to answer 405 with `Allow`. */
export class RouteTable {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    let route = this.routes.get(url);
    if (route === undefined) {
      route = { pattern: toPattern(url), methods: new Set() };
      this.routes.set(url, route);
    }
    for (const method of [methods].flat()) {
      route.methods.add(method.toUpperCase());
    }
  }

  /** The methods routed for this path (no query), sorted; empty when no route has the path. */
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) {
        route.methods.forEach((method) => methods.add(method));
      }
    }
    return [...methods].sort();
  }
}

function toPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        return '[^/]+';
      }
      if (segment === '*') {
        return '.*';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
