/** Workload identity (SPIFFE ids) and certificates. */
@NullMarked
package io.meshlet.core.identity;

import org.jspecify.annotations.NullMarked;
