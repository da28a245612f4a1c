/** The built-in ledger module, aggregate type {@code account}: the reference implementation of the SPI. */
package dev.strand.engine.ledger;
