/** Bookinfo's productpage workload. */
@NullMarked
package io.meshlet.samples.bookinfo.productpage;

import org.jspecify.annotations.NullMarked;
