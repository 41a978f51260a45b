"""Scripts that print figures: accuracy, throughput, scale."""
