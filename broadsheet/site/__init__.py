"""Site: the public HTML pages, feeds, sitemaps and SEO markup readers and crawlers see."""
