import { Driver } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { CredentialEntity } from './credential.entity';
import { withRowVersion } from './credential-version';
import { CredentialResponseDto } from './dto/credential-response.dto';

/** How TypeORM's SQLite driver stores a date: UTC text, `YYYY-MM-DD HH:MM:SS.mmm`. */
const STORED_UTC_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;
/** How the PostgreSQL reads give a date (see PostgresReads): already the response's form. */
const ISO_UTC_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const RESPONSE_PROPERTIES = [
  'id',
  'name',
  'credentialName',
  'encryptedData',
  'workspaceId',
  'createdDate',
  'updatedDate',
] as const;

/** What a credential becomes in every response: the reference page's shape, never the secret. */
export function toCredentialResponse(entity: CredentialEntity): CredentialResponseDto {
  const response: CredentialResponseDto = {
    id: entity.id,
    name: entity.name,
    credentialName: entity.credentialName,
    encryptedData: entity.encryptedData,
    workspaceId: entity.workspaceId,
    createdDate: entity.createdDate.toISOString(),
    updatedDate: entity.updatedDate.toISOString(),
    ...(entity.lastUsedAt ? { lastUsedAt: entity.lastUsedAt.toISOString() } : {}),
  };
  return withRowVersion(response, entity.version);
}

/**
 * Every mapping of a credential row, in one place: raw rows from the hot reads to entities or
 * straight to responses, and entities to responses.
 */
export class CredentialRowMapper {
  private readonly columns: ColumnMetadata[];
  /** The column of each response property. */
  private readonly columnOf: Record<keyof CredentialResponseDto, ColumnMetadata>;
  private readonly datesAreUtcText: boolean;
  private readonly lastUsedColumn: ColumnMetadata;

  constructor(
    metadata: EntityMetadata,
    private readonly driver: Driver,
  ) {
    this.columns = metadata.columns;
    this.columnOf = Object.fromEntries(
      RESPONSE_PROPERTIES.map((p) => [p, metadata.findColumnWithPropertyName(p)!]),
    ) as Record<keyof CredentialResponseDto, ColumnMetadata>;
    this.lastUsedColumn = metadata.findColumnWithPropertyName('lastUsedAt')!;
    this.datesAreUtcText = ['sqlite', 'better-sqlite3'].includes(driver.options.type);
  }

  /** A raw row straight to the response shape (no `Date` round trip for SQLite's text dates). */
  response(raw: Record<string, unknown>): CredentialResponseDto {
    return {
      id: this.text(raw, 'id'),
      name: this.text(raw, 'name'),
      credentialName: this.text(raw, 'credentialName'),
      encryptedData: this.text(raw, 'encryptedData'),
      workspaceId: this.text(raw, 'workspaceId'),
      createdDate: this.isoDate(raw, 'createdDate'),
      updatedDate: this.isoDate(raw, 'updatedDate'),
      ...this.lastUsed(raw),
    };
  }

  private lastUsed(raw: Record<string, unknown>): { lastUsedAt?: string } {
    const value = raw[this.lastUsedColumn.databaseName];
    if (value === null || value === undefined) {
      return {};
    }
    return {
      lastUsedAt: (
        this.driver.prepareHydratedValue(value, this.lastUsedColumn) as Date
      ).toISOString(),
    };
  }

  private text(raw: Record<string, unknown>, property: keyof CredentialResponseDto): string {
    return raw[this.columnOf[property].databaseName] as string;
  }

  /**
   * SQLite keeps TypeORM dates as UTC text, `YYYY-MM-DD HH:MM:SS.mmm`, which is ISO 8601 but for
   * the `T` and the `Z`; anything else goes through the driver and `Date`.
   */
  private isoDate(raw: Record<string, unknown>, property: 'createdDate' | 'updatedDate'): string {
    const column = this.columnOf[property];
    const value = raw[column.databaseName];
    if (typeof value === 'string') {
      if (this.datesAreUtcText && STORED_UTC_DATE.test(value)) {
        return `${value.slice(0, 10)}T${value.slice(11)}Z`;
      }
      if (ISO_UTC_DATE.test(value)) {
        return value;
      }
    }
    return (this.driver.prepareHydratedValue(value, column) as Date).toISOString();
  }

  /** A raw row to the entity, through the driver's per-column conversion, as `find` would. */
  entity(raw: Record<string, unknown>): CredentialEntity {
    const entity: Record<string, unknown> = {};
    for (const column of this.columns) {
      entity[column.propertyName] = this.driver.prepareHydratedValue(
        raw[column.databaseName],
        column,
      );
    }
    return entity as unknown as CredentialEntity;
  }
}
