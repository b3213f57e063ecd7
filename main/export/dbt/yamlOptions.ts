// dbt reads YAML 1.1, where a bare yes, no, on or off is a boolean: every string is quoted, so
// that a closed set ['yes', 'no'] stays two words.
export const YAML_OPTIONS = { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' } as const;
