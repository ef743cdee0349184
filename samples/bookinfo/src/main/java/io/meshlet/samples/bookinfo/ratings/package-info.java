/** Bookinfo's ratings workload. */
@NullMarked
package io.meshlet.samples.bookinfo.ratings;

import org.jspecify.annotations.NullMarked;
