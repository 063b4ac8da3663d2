import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Registry } from 'prom-client';
import { MetricsTokenGuard } from './metrics-token.guard';

/**
 * Prometheus' scrape target, outside the API prefix and its document (it is the operator's, in
 * Prometheus' text format), and outside the rate limit: a scraper is one client polling often.
 */
@ApiExcludeController()
@SkipThrottle()
@UseGuards(MetricsTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrapeMetrics(): Promise<string> {
    return this.registry.metrics();
  }
}
