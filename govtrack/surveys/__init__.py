"""Needs surveys (survei kebutuhan anggota): questions, population, sample, responses, results, evidence."""
