"""tradescreen.audit"""
