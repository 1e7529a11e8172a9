"""Original, clearly fictional demo content, default site content and a benchmark corpus generator."""
