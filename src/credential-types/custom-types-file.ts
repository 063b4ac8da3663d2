import { plainToInstance, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
  ValidationError,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../core/errors';
import { PLAIN_DATA_LIMITS } from '../core/plain-data';
import {
  CREDENTIAL_TYPE_NAME_PATTERN,
  CredentialTypeDefinition,
  INPUT_TYPES,
} from './credential-type';
import { iconFileProblem } from './icons/icon-file';

/** Input names become `plainDataObj` keys, so they follow its key rules. */
const INPUT_NAME_PATTERN = /^(?!(?:__proto__|constructor|prototype)$)[A-Za-z0-9_.-]+$/;

class OptionEntry {
  @IsString() @Length(1, 255) name!: string;
  @IsString() @Length(1, 255) label!: string;
  @IsOptional() @IsString() description?: string;
}

class InputEntry {
  @IsString()
  @Length(1, PLAIN_DATA_LIMITS.maxKeyLength)
  @Matches(INPUT_NAME_PATTERN, { message: 'name must be letters, digits, _, . or -' })
  name!: string;

  @IsString() @Length(1, 255) label!: string;
  @IsIn(INPUT_TYPES) type!: (typeof INPUT_TYPES)[number];
  @IsOptional() @IsBoolean() optional?: boolean;
  @IsOptional() @IsBoolean() hidden?: boolean;
  @IsOptional() @IsBoolean() secret?: boolean;
  @IsOptional() @IsString() description?: string;
  @IsOptional() @IsString() placeholder?: string;

  /** Checked in `semanticProblems`: class-validator has no union rule. */
  @Allow()
  default?: string | number | boolean | null;

  @ValidateIf((input: InputEntry) => input.type === 'options' || input.options !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => OptionEntry)
  options?: OptionEntry[];
}

class TypeEntry {
  @Matches(CREDENTIAL_TYPE_NAME_PATTERN, {
    message: 'name must be 1 to 100 characters of A-Z, a-z, 0-9, _ and -',
  })
  name!: string;

  @IsString() @Length(1, 255) label!: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) version!: number;
  @IsOptional() @IsString() description?: string;
  @IsOptional() @IsBoolean() optional?: boolean;
  @IsOptional() @IsBoolean() allowExtraKeys?: boolean;
  /** An image file (png, svg, jpg) for the type, relative to this file. */
  @IsOptional() @IsString() @Length(1, 1024) icon?: string;
  /** Required to replace a built-in type (or alias) of the same name. */
  @IsOptional() @IsBoolean() override?: boolean;

  @IsArray()
  @ArrayMaxSize(PLAIN_DATA_LIMITS.maxKeys)
  @ValidateNested({ each: true })
  @Type(() => InputEntry)
  inputs!: InputEntry[];
}

/**
 * Reads and checks a custom credential types file, `{"types": [...]}` in the catalogue's shape.
 * Throws a `ConfigError` naming the file, each bad entry and its problem.
 */
export function loadCustomTypesFile(
  path: string,
  builtInNames: ReadonlySet<string>,
): CredentialTypeDefinition[] {
  const fail = (problems: string[]): never => {
    throw new ConfigError(`Invalid credential types file ${path}:\n  - ${problems.join('\n  - ')}`);
  };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail([`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error; the file's content stays out of logs.
    return fail(['is not valid JSON']);
  }
  const entries = (parsed as { types?: unknown } | null)?.types;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Array.isArray(entries)
  ) {
    return fail(['must be a JSON object {"types": [...]}']);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const types = entries.map((entry: unknown, index) => {
    const where = `types[${index}]${describeName(entry)}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where}: must be an object`);
      return undefined;
    }
    const type = plainToInstance(TypeEntry, entry);
    const entryProblems = [
      ...validateSync(type, {
        forbidUnknownValues: true,
        whitelist: true,
        forbidNonWhitelisted: true,
      }).flatMap((error) => flatten(error, '')),
      ...semanticProblems(type),
    ];
    if (entryProblems.length === 0) {
      entryProblems.push(...nameProblems(type, seen, builtInNames));
    }
    const icon = typeof type.icon === 'string' ? resolve(dirname(path), type.icon) : undefined;
    const iconProblem = icon === undefined ? undefined : iconFileProblem(icon);
    if (iconProblem !== undefined) {
      entryProblems.push(`icon ${type.icon} ${iconProblem}`);
    }
    seen.add(type.name);
    problems.push(...entryProblems.map((problem) => `${where}: ${problem}`));
    return entryProblems.length === 0
      ? { ...toDefinition(type), ...(icon ? { icon } : {}) }
      : undefined;
  });
  if (problems.length > 0) {
    return fail(problems);
  }
  return types.filter((type): type is CredentialTypeDefinition => type !== undefined);
}

function nameProblems(
  type: TypeEntry,
  seen: ReadonlySet<string>,
  builtInNames: ReadonlySet<string>,
): string[] {
  if (seen.has(type.name)) {
    return [`name ${type.name} is defined twice in this file`];
  }
  if (builtInNames.has(type.name) && type.override !== true) {
    return [`name ${type.name} is a built-in credential type; add "override": true to replace it`];
  }
  if (!builtInNames.has(type.name) && type.override === true) {
    return [`"override": true, but there is no built-in credential type ${type.name} to replace`];
  }
  return [];
}

function describeName(entry: unknown): string {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === 'string' && CREDENTIAL_TYPE_NAME_PATTERN.test(name) ? ` (${name})` : '';
}

/** The rules class-validator cannot express: union defaults, unique inputs, valid option defaults. */
function semanticProblems(type: TypeEntry): string[] {
  if (!Array.isArray(type.inputs)) {
    return [];
  }
  const problems: string[] = [];
  const names = new Set<string>();
  type.inputs.forEach((input, index) => {
    if (!(input instanceof InputEntry)) {
      return;
    }
    if (names.has(input.name)) {
      problems.push(`inputs[${index}].name ${input.name} is used twice`);
    }
    names.add(input.name);
    const value = input.default;
    if (
      value !== undefined &&
      value !== null &&
      !['string', 'number', 'boolean'].includes(typeof value)
    ) {
      problems.push(`inputs[${index}].default must be a string, number or boolean`);
    }
    if (input.type !== 'options' && input.options !== undefined) {
      problems.push(`inputs[${index}].options is only allowed on an input of type options`);
    }
    const optionNames = Array.isArray(input.options)
      ? input.options.map((option) => option.name)
      : [];
    if (input.type === 'options' && typeof value === 'string' && !optionNames.includes(value)) {
      problems.push(`inputs[${index}].default must be one of the option names`);
    }
  });
  return problems;
}

function flatten(error: ValidationError, parent: string): string[] {
  const path = /^\d+$/.test(error.property)
    ? `${parent}[${error.property}]`
    : [parent, error.property].filter(Boolean).join('.');
  // class-validator starts its messages with the property name ("type must be ..."), or says
  // "property x should not exist": either way the full path goes in front.
  const own = Object.values(error.constraints ?? {}).map((message) => {
    if (message.startsWith(`${error.property} `)) {
      return `${path}${message.slice(error.property.length)}`;
    }
    return parent === '' ? message : `${parent}: ${message}`;
  });
  return [...own, ...(error.children ?? []).flatMap((child) => flatten(child, path))];
}

function toDefinition(type: TypeEntry): CredentialTypeDefinition {
  // A plain object without class instances, undefined members or the file-only `override`.
  const definition = JSON.parse(JSON.stringify(type)) as CredentialTypeDefinition & {
    override?: boolean;
  };
  delete definition.override;
  return definition;
}
