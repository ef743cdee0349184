/** Implementation details of the runtime. Not an API: anything here may change in any release. */
@NullMarked
package io.meshlet.core.internal;

import org.jspecify.annotations.NullMarked;
