package main

import (
	"testing"

	"github.com/dockpulse/dockpulse/backend/enginetest"
)

func TestMain(m *testing.M) { enginetest.Main(m) }
