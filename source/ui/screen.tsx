// The whole screen for one UI state: header, summary, tabs, the tab's rows (or help), footer.
import React from 'react';
import { Box, Text } from 'ink';
import { clip, type Line } from '../format/lines.js';
import { screenParts, type ScreenProps } from './frame-lines.js';

function RowText({ line, width, color }: RowProps) {
	const segments = clip(line, width);
	return (
		<Text wrap="truncate">
			{segments.length === 0
				? ' '
				: segments.map((s, i) => (
						<Text key={i} bold={s.bold} dimColor={s.dim} inverse={s.inverse} color={color ? s.color : undefined}>
							{s.text}
						</Text>
					))}
		</Text>
	);
}

interface RowProps {
	line: Line;
	width: number;
	color: boolean;
}

const sameSegments = (a: Line, b: Line) =>
	a.length === b.length && a.every((s, i) => s.text === b[i]!.text && s.bold === b[i]!.bold && s.dim === b[i]!.dim && s.inverse === b[i]!.inverse && s.color === b[i]!.color);

/** A line is rebuilt every refresh; React redoes its row only when what it shows changed. */
const Row = React.memo(RowText, (a: RowProps, b: RowProps) => a.width === b.width && a.color === b.color && sameSegments(a.line, b.line));

export function Screen(props: ScreenProps) {
	const { width, color } = props;
	const { header, summary, tabs, body, height, footer } = screenParts(props);
	return (
		<Box flexDirection="column" width={width}>
			{header.map((l, i) => (
				<Row key={`header${i}`} line={l} width={width} color={color} />
			))}
			{summary.map((l, i) => (
				<Row key={`summary${i}`} line={l} width={width} color={color} />
			))}
			<Row line={tabs} width={width} color={color} />
			<Box flexDirection="column" height={height}>
				{body.map((l, i) => (
					<Row key={i} line={l} width={width} color={color} />
				))}
			</Box>
			{footer.map((l, i) => (
				<Row key={`footer${i}`} line={l} width={width} color={color} />
			))}
		</Box>
	);
}
