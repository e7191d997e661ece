"""tradescreen.batch"""
