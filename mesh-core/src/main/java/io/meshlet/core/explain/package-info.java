/**
 * Explain: why a request goes where it goes. Built from the same compiled tables and matchers the
 * request path uses, so the answer cannot drift from what a real call does.
 */
@NullMarked
package io.meshlet.core.explain;

import org.jspecify.annotations.NullMarked;
