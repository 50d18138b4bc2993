"""`make bench`: speed and scale of kazsearch, side by side with the encoder's floor and a tantivy peer."""
