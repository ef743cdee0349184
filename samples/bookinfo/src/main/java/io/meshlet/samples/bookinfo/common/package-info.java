/** What the Bookinfo workloads share: the server connector and the ratings gRPC method. */
@NullMarked
package io.meshlet.samples.bookinfo.common;

import org.jspecify.annotations.NullMarked;
