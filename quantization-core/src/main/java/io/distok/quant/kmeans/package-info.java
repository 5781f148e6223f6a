/** The k-means trainer shared by VQ, RQ and PQ: k-means++ seeding, Lloyd iterations, faiss-style sampling. */
package io.distok.quant.kmeans;
