/**
 * Settings declared once (name, type, default, range, one line of doc: {@link dev.strand.config.Setting}), resolved
 * from flags, environment variables and defaults in one pass ({@link dev.strand.config.SettingValues}), and the one
 * parser of sizes, durations and counts ({@link dev.strand.config.Units}). No dependencies.
 */
package dev.strand.config;
