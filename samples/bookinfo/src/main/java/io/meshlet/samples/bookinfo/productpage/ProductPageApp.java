package io.meshlet.samples.bookinfo.productpage;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Bookinfo's product page: the HTML page a browser sees, over plain HTTP (it is the edge), built
 * from details and reviews called through {@code @MeshClient} interfaces.
 */
@SpringBootApplication
public class ProductPageApp {}
