/** Bookinfo's reviews workload. */
@NullMarked
package io.meshlet.samples.bookinfo.reviews;

import org.jspecify.annotations.NullMarked;
