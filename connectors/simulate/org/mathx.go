package org

import "math"

func expf(x float64) float64  { return math.Exp(x) }
func sqrtf(x float64) float64 { return math.Sqrt(x) }
