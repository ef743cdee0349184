/**
 * Config sources and what they report. A {@link io.meshlet.core.config.ConfigSource} translates its
 * own format into the {@link io.meshlet.core.model} at its boundary and hands the runtime a whole
 * {@link io.meshlet.core.config.SourceUpdate}; the runtime validates across sources, rejects an update
 * with any error as a whole and keeps the last good snapshot.
 */
@NullMarked
package io.meshlet.core.config;

import org.jspecify.annotations.NullMarked;
