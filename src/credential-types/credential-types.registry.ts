import { BadRequestException, NotFoundException } from '@nestjs/common';
import { distance } from 'fastest-levenshtein';
import { PlainData } from '../core/plain-data';
import { BUILT_IN_ALIASES, BUILT_IN_TYPES } from './catalogue/built-in-catalogue';
import { credentialDataProblems } from './credential-data';
import { describeFields } from './credential-fields';
import { redactPlainData } from './redacted-plain-data';
import {
  compareTypeNames,
  CREDENTIAL_TYPE_NAME_PATTERN,
  CredentialTypeDefinition,
} from './credential-type';
import { CredentialTypesMode } from '../core/credential-types-mode';
import { loadCustomTypesFile } from './custom-types-file';
import { CredentialFieldDto } from './dto/credential-field.dto';
import { CredentialTypeDto, toCredentialTypeResponse } from './dto/credential-type.dto';

const MAX_SUGGESTIONS = 3;

export interface CredentialTypesRegistryOptions {
  mode?: CredentialTypesMode;
  /** A JSON file of custom types; read and checked once, here. */
  file?: string;
}

/**
 * The credential types the vault knows: Flowise's catalogue, its aliases and the operator's
 * custom types. Checks a credential's data against its type.
 */
export class CredentialTypesRegistry {
  readonly mode: CredentialTypesMode;
  private readonly types = new Map<string, CredentialTypeDefinition>();
  private readonly aliases = new Map<string, string>();

  constructor(options: CredentialTypesRegistryOptions = {}) {
    this.mode = options.mode ?? 'strict';
    for (const type of BUILT_IN_TYPES) {
      this.types.set(type.name, type);
    }
    for (const [alias, name] of Object.entries(BUILT_IN_ALIASES)) {
      this.aliases.set(alias, name);
    }
    if (options.file !== undefined) {
      const reserved = new Set([...this.types.keys(), ...this.aliases.keys()]);
      for (const definition of loadCustomTypesFile(options.file, reserved)) {
        // An override of an alias turns the alias into a type of its own.
        this.aliases.delete(definition.name);
        this.types.set(definition.name, definition);
      }
    }
  }

  /** Every type, sorted by name. */
  list(): CredentialTypeDefinition[] {
    return [...this.types.values()].sort((a, b) => compareTypeNames(a.name, b.name));
  }

  /** Every type, or those with one of these names or aliases. */
  describeAll(names?: string[]): CredentialTypeDto[] {
    const wanted = names && new Set(names.map((name) => this.find(name)?.name));
    return this.list()
      .filter((type) => !wanted || wanted.has(type.name))
      .map((type) => toCredentialTypeResponse(type, this.aliasesOf(type.name)));
  }

  /**
   * One type by name or alias, or, like Flowise, several joined with `&` (then an array).
   * Throws a 404 naming the first unknown one.
   */
  describe(nameOrNames: string): CredentialTypeDto | CredentialTypeDto[] {
    const describeOne = (name: string): CredentialTypeDto => {
      const type = this.find(name);
      if (!type) {
        throw new NotFoundException(
          CREDENTIAL_TYPE_NAME_PATTERN.test(name)
            ? `Credential type ${name} not found`
            : 'Credential type not found',
        );
      }
      return toCredentialTypeResponse(type, this.aliasesOf(type.name));
    };
    return nameOrNames.includes('&')
      ? nameOrNames.split('&').map(describeOne)
      : describeOne(nameOrNames);
  }

  /** The type of this name or alias. */
  find(name: string): CredentialTypeDefinition | undefined {
    return this.types.get(this.aliases.get(name) ?? name);
  }

  /** The aliases that lead to this type. */
  aliasesOf(name: string): string[] {
    return [...this.aliases].filter(([, target]) => target === name).map(([alias]) => alias);
  }

  /** Every name a client may send as `credentialName`, aliases included. */
  names(): string[] {
    return [...this.types.keys(), ...this.aliases.keys()].sort(compareTypeNames);
  }

  /** The known names closest to a misspelt one, closest first. */
  suggest(name: string): string[] {
    const wanted = name.toLowerCase();
    const tolerance = Math.max(2, Math.floor(wanted.length / 3));
    return this.names()
      .map((candidate) => ({ candidate, cost: suggestionCost(wanted, candidate.toLowerCase()) }))
      .filter(({ cost }) => cost <= tolerance)
      .sort((a, b) => a.cost - b.cost || compareTypeNames(a.candidate, b.candidate))
      .slice(0, MAX_SUGGESTIONS)
      .map(({ candidate }) => candidate);
  }

  /**
   * Throws a 400 listing every problem when `data` does not fit the type `credentialName`
   * (strict mode also refuses unknown types).
   */
  assertValid(credentialName: string, data: PlainData): void {
    const type = this.find(credentialName);
    if (!type) {
      if (this.mode === 'strict') {
        throw new BadRequestException([this.describeUnknown(credentialName)]);
      }
      return;
    }
    const problems = credentialDataProblems(type, data);
    if (problems.length > 0) {
      throw new BadRequestException(problems);
    }
  }

  /** The fields view of a credential: which inputs are set, and only non-secret values. */
  fields(credentialName: string, data: PlainData): CredentialFieldDto[] {
    return describeFields(this.find(credentialName), data);
  }

  /** The data with every secret replaced by Flowise's sentinel (see `redactPlainData`). */
  redact(credentialName: string, data: PlainData): PlainData {
    return redactPlainData(this.find(credentialName), data);
  }

  private describeUnknown(name: string): string {
    const suggestions = this.suggest(name);
    const hint =
      suggestions.length > 0
        ? `did you mean ${formatChoices(suggestions)}?`
        : 'GET /components-credentials lists the known types';
    return `credentialName ${name} is not a known credential type; ${hint}`;
  }
}

/** Edit distance, except that a name containing the whole input ("pinecone") counts as close. */
function suggestionCost(wanted: string, candidate: string): number {
  const cost = distance(wanted, candidate);
  return wanted.length >= 4 && candidate.includes(wanted) ? Math.min(cost, 1) : cost;
}

function formatChoices(names: string[]): string {
  return names.length === 1
    ? names[0]
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
