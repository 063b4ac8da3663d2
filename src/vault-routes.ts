import { RequestMethod, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { AuditEventsModule } from './audit-events/audit-events.module';
import { ConfigError } from './core/errors';
import { VaultMountOptions } from './core/vault-options';
import { CredentialTypesModule } from './credential-types/credential-types.module';
import { CredentialsModule } from './credentials/credentials.module';
import { SessionModule } from './session/session.module';
import { UsersModule } from './users/users.module';
import { WorkspaceModule } from './workspace/workspace.module';

// Nest's own metadata keys (RouterModule and @Controller/@Get write them); stable since Nest 8.
const MODULE_PATH = '__module_path__';
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

/** What `CredentialsServiceModule` mounted, for its `configure()` step. */
export interface VaultMount {
  readonly prefix: string;
  /** The modules whose controllers are the vault's routes. */
  readonly modules: readonly Type[];
}
export const VAULT_MOUNT = Symbol('VaultMount');

const CREDENTIAL_ROUTES: readonly Type[] = [
  CredentialsModule,
  CredentialTypesModule,
  AuditEventsModule,
];
const IDENTITY_ROUTES: readonly Type[] = [UsersModule, WorkspaceModule, SessionModule];

export function vaultMount(options: VaultMountOptions): VaultMount {
  return {
    prefix: trimSlashes(options.routePrefix ?? ''),
    modules:
      options.routes === 'credentials'
        ? CREDENTIAL_ROUTES
        : [...CREDENTIAL_ROUTES, ...IDENTITY_ROUTES],
  };
}

/**
 * Runs after every module was built (RouterModule has set its paths) and before any route is
 * registered. Our controllers live in feature modules, so a `RouterModule` path given to
 * `CredentialsServiceModule` is passed on to them, with `routePrefix` after it. Then a host route
 * with the same method and path as one of ours refuses the start: whichever was registered first
 * would answer silently, and the API document would describe the other.
 */
export function applyVaultRoutes(container: ModulesContainer, root: Type, mount: VaultMount): void {
  const key = MODULE_PATH + container.applicationId;
  const basePath = trimSlashes(
    (Reflect.getMetadata(key, root) ?? Reflect.getMetadata(MODULE_PATH, root) ?? '') as string,
  );
  const path = [basePath, mount.prefix].filter((part) => part !== '').join('/');
  if (path !== '') {
    for (const module of mount.modules) {
      Reflect.defineMetadata(key, `/${path}`, module);
    }
  }
  assertNoRouteClash(container, new Set(mount.modules));
}

function assertNoRouteClash(container: ModulesContainer, ours: ReadonlySet<Type>): void {
  const vaultRoutes = new Set<string>();
  const hostRoutes = new Map<string, string>();
  for (const module of container.values()) {
    const isOurs = ours.has(module.metatype);
    const modulePath = modulePathOf(container, module.metatype);
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) {
        continue;
      }
      for (const route of routesOf(controller, modulePath)) {
        if (isOurs) {
          vaultRoutes.add(route);
        } else {
          hostRoutes.set(route, controller.name);
        }
      }
    }
  }
  const clashes = [...vaultRoutes].filter((route) => hostRoutes.has(route));
  if (clashes.length > 0) {
    throw new ConfigError(
      "Host routes clash with the credential vault's: " +
        clashes.map((route) => `${route} (${hostRoutes.get(route)})`).join(', ') +
        '. Mount the vault elsewhere with the routePrefix option (or RouterModule), or mount ' +
        "fewer routes with routes: 'credentials'.",
    );
  }
}

function modulePathOf(container: ModulesContainer, metatype: Type): string {
  const path = (Reflect.getMetadata(MODULE_PATH + container.applicationId, metatype) ??
    Reflect.getMetadata(MODULE_PATH, metatype) ??
    '') as string;
  return trimSlashes(path);
}

/** `GET /credentials/:` style keys: parameter names do not matter to a router. */
function routesOf(controller: Type, modulePath: string): string[] {
  const controllerPaths = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
  const routes: string[] = [];
  const prototype = controller.prototype as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const handler = name === 'constructor' ? undefined : prototype[name];
    if (typeof handler !== 'function') {
      continue;
    }
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (method === undefined) {
      continue;
    }
    for (const controllerPath of controllerPaths) {
      for (const handlerPath of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) {
        const path = [modulePath, controllerPath, handlerPath]
          .map(trimSlashes)
          .filter((part) => part !== '')
          .join('/')
          .replace(/:[^/]+/g, ':');
        routes.push(`${RequestMethod[method]} /${path}`);
      }
    }
  }
  return routes;
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) {
    return metadata.map(String);
  }
  return [typeof metadata === 'string' ? metadata : ''];
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
