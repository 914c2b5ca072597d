strftime(timezone('UTC', {{COLUMN}}), '%Y-%m')
