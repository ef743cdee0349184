/** Bookinfo's details workload. */
@NullMarked
package io.meshlet.samples.bookinfo.details;

import org.jspecify.annotations.NullMarked;
