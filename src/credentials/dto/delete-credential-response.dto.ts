export class DeleteCredentialResponseDto {
  /** @example "Credential deleted successfully" */
  message!: string;
}
