"""tradescreen.monitor"""
