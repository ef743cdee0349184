/**
 * Load balancers over one cluster's endpoints. Built on the control thread when a snapshot is
 * compiled, read lock-free on every request; a pick allocates nothing.
 */
@NullMarked
package io.meshlet.core.lb;

import org.jspecify.annotations.NullMarked;
