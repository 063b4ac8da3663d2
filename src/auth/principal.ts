/** Who is calling, as established by a verified token. Attached to the request as `user`. */
export interface Principal {
  readonly userId: string;
  readonly workspaceId: string;
}
