interface ImportMetaEnv {
  /** API base URL, resolved (with its default) in wxt.config.ts. */
  readonly WXT_API_URL?: string;
}
