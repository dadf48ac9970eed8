"""In-app notifications and their delivery where officials read them (企业微信, 钉钉, email, SMS)."""
