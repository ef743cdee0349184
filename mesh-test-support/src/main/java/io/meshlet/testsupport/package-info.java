/** Helpers shared by the tests of several modules; test scope only. */
@NullMarked
package io.meshlet.testsupport;

import org.jspecify.annotations.NullMarked;
